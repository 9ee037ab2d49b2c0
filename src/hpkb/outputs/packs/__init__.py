"""PDF packs: definitions, the board paper, typesetting with Typst."""
