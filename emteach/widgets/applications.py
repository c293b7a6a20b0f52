"""Widgets for chapter 7, applications (clustering, colour quantisation, outliers, missing data, HMMs, tomography)."""
