"""The model: what users build, and the graph underneath.

- :mod:`~flopcast.model.nodes`: assumptions and derived quantities;
- :mod:`~flopcast.model.graph`: the graph that orders them and the one evaluator of derived quantities;
- :mod:`~flopcast.model.checks`: the checks a node passes when it is added;
- :mod:`~flopcast.model.model`: the :class:`Model` that users build.
"""

from flopcast.model.graph import Graph
from flopcast.model.model import Model
from flopcast.model.nodes import Assumption, Derived, Node

__all__ = ["Assumption", "Derived", "Graph", "Model", "Node"]
