/** MLflow's REST API (2.x JSON shapes) over the tracking store and the model registry. */
package org.chimp.tracking.mlflow;
