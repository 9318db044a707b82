"""What the binary-decision portfoliokit projects share: costs, threshold, calibration, audit."""
