package org.chimp.tracking.mlflow;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One MLflow endpoint: request fields in, response body out; caller errors are thrown as ClientErrorException. */
@FunctionalInterface
interface Endpoint {
    ObjectNode handle(MlflowRequest request);
}
