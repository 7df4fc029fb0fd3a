using Microsoft.Extensions.DependencyInjection;

namespace LeoPass.Recovery.Engine.Activities;

public static class ActivityServiceCollectionExtensions
{
    /// <summary>
    /// Makes an activity type available to definitions. The class is resolved per attempt
    /// (transient), so it may take any registered service in its constructor.
    /// </summary>
    public static IServiceCollection AddActivity<TActivity>(this IServiceCollection services)
        where TActivity : class, IActivity, IActivityDeclaration
    {
        services.AddTransient<TActivity>();
        services.AddSingleton(new ActivityRegistration(TActivity.Descriptor, typeof(TActivity)));
        return services;
    }
}
