/** Experiments, runs, params, metrics and tags, kept in the database and served with MLflow's REST API. */
package org.chimp.tracking;
