package org.momentumrnn4j.cell;

import org.momentumrnn4j.autograd.Tensor;

/** The output {@code h_t} of one step and the state after it. */
public record StepResult(Tensor output, CellState state) {}
