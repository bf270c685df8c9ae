
ždocument:
  dsl: '1.0.0'
  namespace: default
  name: hello
  version: '1.0.0'
do:
  - greet:
      set:
        message: ${ "Hello, " + (.name // "world") }
