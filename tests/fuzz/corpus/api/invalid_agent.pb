
ƒkind: Agent
name: x
instructions: ''
tools: [shell, shell, browser]
model: {provider: openai, api_key: sk-1}
needs_approval: [git]
