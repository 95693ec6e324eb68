"""Thematic sections, events and reports: post, share, co-author, comment, find."""
