"""Banks of planted wrong answers and alternative correct answers, one package per assignment."""
