"""Column-wise renderers for large corpora, each named after the reference function it speeds up.

Each module here produces exactly what its reference in the package produces (tests hold them
byte-equal); the rules themselves live only in the reference.
"""
