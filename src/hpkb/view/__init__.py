"""What one profile may see (the one gate), and the links within it."""
