
ädocument:
  dsl: '1.0.0'
  namespace: default
  name: bad
  version: '1.0.0'
do:
  - mail:
      call: smtp
  - notify:
      emit:
        event:
          with:
            type: sent
  - grpc:
      call: grpc
      with: {}
