"""Problem set 1 (linear algebra): wrong-answer and alternative banks for LA1–LA7."""
