# The error page (error.html): what every error page shares, and how it names the application concerned.
errors-start-page = Go to the start page
errors-party = Application: { $party }
errors-party-named = { $name } ({ $id })
