"""The questionnaire language: model, loaders (YAML, XLSForm), expressions, routing, checks."""
