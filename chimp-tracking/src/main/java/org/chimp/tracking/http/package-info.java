/** HTTP adapters of the model registry that are CHIMP's own (not MLflow's): importing a model version with its files. */
package org.chimp.tracking.http;
