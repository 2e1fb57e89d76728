"""Badges for the venue days: who gets one, the signed code their QR carries, and printing them."""
