"""Small named modules every layer may use (text folding, multilingual text, collation, yes/no words).

They hold no models and import no other jalon package: the bottom of the dependency order
(docs/architecture.md)."""
