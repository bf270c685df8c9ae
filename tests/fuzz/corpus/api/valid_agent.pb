
ä# An agent with tools: it reads and writes files in its workspace and runs shell commands there.
kind: Agent
name: file-helper
description: Looks through and tidies the files of its workspace
instructions: |
  You help with the files in your workspace. Use the files tool to list, read and write files,
  and the shell tool for commands such as `wc` or `grep`. Say what you changed.
model:
  provider: local
tools: [files, shell]
limits:
  max_tool_calls: 50
  timeout: {minutes: 10}
