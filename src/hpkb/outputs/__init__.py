"""What a build makes from a profile's view: site, search, packs, export."""
