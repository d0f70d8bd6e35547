/** MLflow's search syntax (filter and order_by strings), parsed and compiled to parameterized SQL. */
package org.chimp.tracking.search;
