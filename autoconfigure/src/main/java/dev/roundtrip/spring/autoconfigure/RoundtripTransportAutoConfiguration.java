package dev.roundtrip.spring.autoconfigure;

import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.ClientHttpRequestFactoryBuilderCustomizer;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.util.LambdaSafe;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.client.ClientHttpRequestFactory;

import dev.roundtrip.spring.http.client.RoundtripClientHttpRequestFactoryBuilder;
import dev.roundtrip.transport.Transport;
import dev.roundtrip.transport.TransportListener;

/**
 * Puts the Roundtrip transport under Spring Boot's auto-configured
 * {@code RestClient.Builder}, {@code RestTemplateBuilder} and HTTP service clients: one
 * {@link Transport} configured by {@code roundtrip.transport.*} and closed with the
 * context, and the {@link ClientHttpRequestFactoryBuilder} that Boot asks for a factory
 * per client, every factory sending through that one transport.
 *
 * <p>
 * Runs before {@link ImperativeHttpClientAutoConfiguration}, whose builder then backs
 * off. A {@code Transport} or {@code ClientHttpRequestFactoryBuilder} bean of the
 * application's own wins; {@code roundtrip.transport.enabled=false} turns all of this off
 * and Boot's default builder comes back.
 */
@AutoConfiguration(before = ImperativeHttpClientAutoConfiguration.class)
@ConditionalOnClass({ Transport.class, ClientHttpRequestFactory.class })
@ConditionalOnBooleanProperty(name = "roundtrip.transport.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RoundtripTransportProperties.class)
@Import(RoundtripPropertiesCheck.class)
public final class RoundtripTransportAutoConfiguration {

	/**
	 * The application's transport. Its settings come from the properties, its listener
	 * from the {@link TransportListener} beans (all of them, in order), then each
	 * {@link TransportBuilderCustomizer} has its say.
	 */
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	Transport roundtripTransport(RoundtripTransportProperties properties, ObjectProvider<TransportListener> listeners,
			ObjectProvider<TransportBuilderCustomizer> customizers) {
		Transport.Builder builder = Transport.builder()
			.settings(properties.toSettings())
			.listener(CompositeTransportListener.of(listeners.orderedStream().toList()));
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		return builder.build();
	}

	/**
	 * The builder of every auto-configured client's request factory, over the one
	 * transport; {@link ClientHttpRequestFactoryBuilderCustomizer} beans whose type
	 * matches are applied, as Boot does for its own builders.
	 */
	@Bean
	@ConditionalOnMissingBean(ClientHttpRequestFactoryBuilder.class)
	ClientHttpRequestFactoryBuilder<?> roundtripClientHttpRequestFactoryBuilder(Transport transport,
			ObjectProvider<ClientHttpRequestFactoryBuilderCustomizer<?>> customizers) {
		return customize(new RoundtripClientHttpRequestFactoryBuilder(transport), customizers.orderedStream().toList());
	}

	@SuppressWarnings("unchecked")
	private static ClientHttpRequestFactoryBuilder<?> customize(ClientHttpRequestFactoryBuilder<?> builder,
			List<ClientHttpRequestFactoryBuilderCustomizer<?>> customizers) {
		ClientHttpRequestFactoryBuilder<?>[] customized = { builder };
		LambdaSafe.callbacks(ClientHttpRequestFactoryBuilderCustomizer.class, customizers, customized[0])
			.invoke((customizer) -> customized[0] = customizer.customize(customized[0]));
		return customized[0];
	}

}
