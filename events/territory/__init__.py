"""Territory: who held which place when (ControlChange), the map areas derived from it (ControlMap), Syria's
outline, editors' one-step changes and their undo, and proposals from published territory events."""
