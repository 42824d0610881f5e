"""A static site generator for documentary sites in several Chinese script variants.

The pipeline runs in one direction, one module per stage:
load -> resolve -> convert -> render -> write (see ``docsite.pipeline``).
"""
