
ªdocument:
  dsl: '0.8'
  namespace: Not_A_Label
  name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
  version: '1.0'
do: []
schedule:
  every: PT1H
