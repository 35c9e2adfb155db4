//! aspire-formation: the group formation engine.
