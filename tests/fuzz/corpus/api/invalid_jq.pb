
¼document:
  dsl: '1.0.0'
  namespace: default
  name: bad-jq
  version: '1.0.0'
do:
  - a:
      set:
        x: ${ .a | }
        y: ${ $nope }
      then: nowhere
  - a:
      wait: P1M
