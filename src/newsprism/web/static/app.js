// newsprism web app: small progressive enhancements; every page reads without it.
