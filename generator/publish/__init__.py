"""The publish stage: output folders checked and marked (marks), a staging folder swapped in
whole (staging, swap), MkDocs run, and the public build's leak scan (leakscan)."""
