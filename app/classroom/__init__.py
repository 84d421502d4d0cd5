"""Classes, students and what the server records for them: models, the one store, the rules.

No web code lives here: app/web/classroom*.py translate HTTP into calls on `store.ClassStore`.
"""
