
‰{"document": {"dsl": "1.0.1", "namespace": "default", "name": "from-json", "version": "1.0.0"},
 "do": [{"first": {"set": {"n": 1}, "then": "last"}}, {"skipped": {"wait": "PT1S"}},
        {"last": {"set": {"m": "${ .n + 1 }"}, "export": {"as": "$context + ."}}}]}
