package org.chimp.api;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * One task API: a stable id and the input and output data types every architecture of the task must accept and
 * produce. As in DJL's {@code Application}, the task is the function signature; architectures implement it.
 *
 * @param id            stable id, e.g. {@code image-classification}
 * @param description   one sentence for listings
 * @param input         the input data type
 * @param output        the output data type
 * @param chainCategory the number the oracle contract's ModelCategory enum uses, if the task is on chain
 */
public record Task<I, O>(String id, String description, DataType<I> input, DataType<O> output,
                         OptionalInt chainCategory) {
    public Task {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(chainCategory, "chainCategory");
    }
}
