"""Call-number boards and spoken calls: a presenter, Kivy screens, voice and signal lamps."""
