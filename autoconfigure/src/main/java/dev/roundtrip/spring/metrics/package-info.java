/**
 * Micrometer metrics of the Roundtrip transport's connection pool:
 * {@link dev.roundtrip.spring.metrics.TransportMetrics}, a {@code MeterBinder} fed by the
 * transport's listener events and its pool snapshots. The transport itself knows nothing
 * of Micrometer.
 */
@NullMarked
package dev.roundtrip.spring.metrics;

import org.jspecify.annotations.NullMarked;
