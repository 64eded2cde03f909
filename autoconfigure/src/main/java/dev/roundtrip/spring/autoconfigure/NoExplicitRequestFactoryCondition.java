package dev.roundtrip.spring.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches unless {@value #FACTORY} is set: naming a request factory ({@code jdk},
 * {@code http-components}, {@code jetty}, {@code reactor}, {@code simple}) is the
 * application's choice, and Boot's builder for it must apply. The same key on Boot 4.0
 * and 4.1; bound, so every relaxed form of it counts.
 */
class NoExplicitRequestFactoryCondition extends SpringBootCondition {

	static final String FACTORY = "spring.http.clients.imperative.factory";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		String factory = Binder.get(context.getEnvironment()).bind(FACTORY, String.class).orElse(null);
		return (factory == null) ? ConditionOutcome.match(FACTORY + " is not set")
				: ConditionOutcome.noMatch(FACTORY + " is set to " + factory + ": Boot's builder for it applies");
	}

}
