
ìdocument:
  dsl: '1.0.3'
  namespace: shop
  name: orders
  version: '0.2.0'
use:
  errors:
    outOfStock:
      type: https://serverlessworkflow.io/spec/1.0.0/errors/runtime
      status: 409
  retries:
    patient:
      delay: PT1S
      backoff:
        exponential: {}
      limit:
        attempt:
          count: 3
input:
  from: .order
do:
  - route:
      switch:
        - empty:
            when: (.items | length) == 0
            then: refuse
        - default:
            then: each
  - each:
      for:
        each: line
        in: .items
      while: $index < 100
      do:
        - reserve:
            try:
              - call:
                  call: http
                  with:
                    method: post
                    endpoint:
                      uri: https://stock.example/reserve
                    body:
                      sku: ${ $line.sku }
            catch:
              as: failure
              retry: patient
              do:
                - note:
                    set:
                      failed: ${ $failure.status }
      then: pause
  - refuse:
      raise:
        error: outOfStock
  - pause:
      wait:
        seconds: 2
  - both:
      fork:
        compete: false
        branches:
          - left:
              run:
                shell:
                  command: echo left
                return: stdout
          - right:
              do:
                - inner:
                    set: '${ {done: true} }'
output:
  as: ${ . }
