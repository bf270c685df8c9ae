
6document: {dsl: '1.0.0', namespace: x
do:
  - &a [*a]
