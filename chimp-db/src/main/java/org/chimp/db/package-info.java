/** JDBC plumbing: pooled data sources from a URL, per-module Flyway migrations, transactions, statements. */
package org.chimp.db;
