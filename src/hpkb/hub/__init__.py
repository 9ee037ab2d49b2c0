"""The national hub: many forces' shared exports in one site."""
