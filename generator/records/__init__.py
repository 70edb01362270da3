"""The records, read and checked, in the order the data flows:

tree / tree_git (a records tree from a folder, a git revision or memory) → load_tree, load,
yamlsafe (YAML with positions) → schemas, ecma, validate, rules, rules_objects, privacy
(every problem, located) → model (typed census) → aggregate, rectification (the figures) →
redact (the public census). domain holds the census's fixed vocabulary."""
