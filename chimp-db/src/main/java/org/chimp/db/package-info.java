/** JDBC plumbing: pooled data sources from a URL, per-module Flyway migrations, transactions. */
package org.chimp.db;
