"""Learning from corrections: check a person's fix of a result, store it, retrain, compare.

- :mod:`service.corrections.check`: a correction checked like training data, and its date
  checked against the date layer.
- :mod:`service.corrections.store`: the ``corrections`` table in ``KLARSTEG_DATA_DIR/klarsteg.db``.
- :mod:`service.corrections.retrain`: train a candidate on the training data plus the
  corrections and compare it with the current model (``klarsteg retrain``).

Promotion and rollback of a model are model-side: :mod:`model.promote`.
"""
