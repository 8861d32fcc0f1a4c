"""The pure core: votes, the rules of Article 27, and the scenario model.

Nothing in this package imports a web framework, a database or the file system.
"""
