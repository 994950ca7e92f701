"""Development resources: readings, courses, coaching and tools that develop a framework's dimensions."""
