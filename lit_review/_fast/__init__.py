"""Column-wise fast paths for corpora of a million papers.

Each function here computes what a plain reference function elsewhere computes for one
value, for a whole Arrow column at once, and is named after it (``base_key`` ->
``base_key_column``). Tests hold each equal to its reference on the seed corpus and on
generated text. Use the reference to read what the rule is.
"""
