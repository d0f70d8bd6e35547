package org.chimp.api;

import java.util.ArrayList;
import java.util.List;

/**
 * A loaded, ready-to-run model of one task. Implementations must be safe to call from several threads, since
 * serving shares one instance between requests.
 */
public interface Model<I, O> extends AutoCloseable {
    /** Runs the model on one input. */
    O run(I input, RunContext ctx);

    /** Runs the model on several inputs; architectures that can batch natively override this. */
    default List<O> runBatch(List<I> inputs, RunContext ctx) {
        List<O> out = new ArrayList<>(inputs.size());
        for (I input : inputs) {
            out.add(run(input, ctx));
        }
        return out;
    }

    /** Frees native resources. */
    @Override
    void close();
}
