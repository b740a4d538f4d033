package org.momentumrnn4j.autograd;

/** One recorded application of a {@link Function}. */
final class Node {
    final Function function;
    final Context context;
    final Tensor[] inputs;
    final Tensor[] outputs;

    Node(Function function, Context context, Tensor[] inputs, Tensor[] outputs) {
        this.function = function;
        this.context = context;
        this.inputs = inputs;
        this.outputs = outputs;
    }
}
