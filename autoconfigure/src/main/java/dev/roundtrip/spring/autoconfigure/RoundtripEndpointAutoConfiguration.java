package dev.roundtrip.spring.autoconfigure;

import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import dev.roundtrip.spring.actuate.ClientTimeouts;
import dev.roundtrip.spring.actuate.RoundtripEndpoint;
import dev.roundtrip.spring.http.client.RoundtripClientHttpRequestFactoryBuilder;
import dev.roundtrip.transport.Transport;

/**
 * The Actuator endpoint {@code roundtrip} over every {@link Transport} bean, the
 * auto-configured one and any of the application's own, when Actuator is present and the
 * endpoint is available (exposed, and its access not {@code none}):
 * {@code management.endpoints.web.exposure.include=roundtrip}.
 */
@AutoConfiguration(after = RoundtripTransportAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class, Transport.class })
public final class RoundtripEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(Transport.class)
	@ConditionalOnAvailableEndpoint
	RoundtripEndpoint roundtripEndpoint(Map<String, Transport> transports,
			ObjectProvider<ClientHttpRequestFactoryBuilder<?>> builder, Environment environment) {
		// The transport Boot's auto-configured clients send through, if Roundtrip's
		// builder is the one they use: its endpoint entry shows the timeouts they apply.
		ClientHttpRequestFactoryBuilder<?> clientsBuilder = builder.getIfUnique();
		Transport clientsTransport = (clientsBuilder instanceof RoundtripClientHttpRequestFactoryBuilder roundtrip)
				? roundtrip.transport() : null;
		return new RoundtripEndpoint(transports, clientsTransport, new ClientTimeouts(environment));
	}

}
