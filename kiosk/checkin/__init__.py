"""The visitor's check-in: the home screen, the one-tap questions, counting, the drop-in hour, tablets."""
