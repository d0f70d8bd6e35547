package org.chimp.api;

import java.util.Objects;
import org.chimp.api.error.ClientErrorException;

/**
 * A loaded model together with the task it implements, so code that serves any task (serving, workers) keeps the
 * model's input and output types tied to the data types that read and write them.
 */
public record TaskModel<I, O>(Task<I, O> task, Model<I, O> model) {
    public TaskModel {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(model, "model");
    }

    /**
     * The model as one of the given task, for endpoints that only make sense for one task (finding faces to
     * classify); a 400 naming both tasks otherwise.
     */
    @SuppressWarnings("unchecked")
    public <X, Y> Model<X, Y> as(Task<X, Y> expected, String what) {
        if (!task.id().equals(expected.id())) {
            throw ClientErrorException.invalid(what + " is of task '" + task.id() + "'; this needs a model of task '"
                    + expected.id() + "'");
        }
        return (Model<X, Y>) model;
    }
}
