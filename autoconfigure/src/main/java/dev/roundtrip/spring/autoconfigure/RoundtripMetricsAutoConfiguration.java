package dev.roundtrip.spring.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.context.annotation.Bean;

import dev.roundtrip.spring.metrics.TransportMetrics;
import dev.roundtrip.transport.Transport;

/**
 * Micrometer metrics of every transport built through {@link RoundtripTransports} (the
 * auto-configured {@code roundtripTransport} included), when micrometer-core is on the
 * class path and there is a {@link MeterRegistry}: each gets a {@link TransportMetrics}
 * as one of its listeners, tagged {@code transport=} its bean name, and one
 * {@link MeterBinder} bean binds them all.
 *
 * <p>
 * A transport is immutable once built and takes its listener only from its builder, so a
 * {@code Transport} bean built with a bare {@code Transport.builder()} gets no metrics
 * from here; build it through {@link RoundtripTransports} instead, or pass it a
 * {@link TransportMetrics} of its own (a bean of that type is bound by Boot and given to
 * no other transport):
 *
 * <pre class="code">
 * &#64;Bean(destroyMethod = "close")
 * Transport apiTransport(RoundtripTransports transports) {
 *     return transports.builder("apiTransport", "api.transport").build();
 * }
 * </pre>
 *
 * {@code roundtrip.transport.metrics.enabled=false} turns the metrics off.
 */
@AutoConfiguration(after = { MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
		SimpleMetricsExportAutoConfiguration.class, RoundtripTransportAutoConfiguration.class })
@ConditionalOnClass({ MeterRegistry.class, MeterBinder.class, Transport.class })
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "roundtrip.transport.metrics.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RoundtripMetricsProperties.class)
public final class RoundtripMetricsAutoConfiguration {

	/**
	 * The metrics of each transport built through {@link RoundtripTransports}, made as it
	 * is built and bound by Boot with the other binders.
	 */
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(RoundtripTransports.class)
	TransportMetricsBinder roundtripTransportMetricsBinder(BeanFactory beanFactory,
			RoundtripMetricsProperties properties) {
		return new TransportMetricsBinder(beanFactory, properties.getMaxDestinations());
	}

}
