package seeds

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/common-room/commonroom/booking"
	"github.com/common-room/commonroom/models"
)

// demoSession is a booking or series that its group publishes as a
// session listing.
type demoSession struct {
	Booking demoBooking
	Listing booking.Listing
}

// demoSessions are the groups' published sessions at every demo site, in
// every category: weekly, every other week, one monthly and two one-off
// days, in the mornings, afternoons and evenings of each day of the week.
// Those at spaces that need approval were approved by the site's estates
// manager.
var demoSessions = []demoSession{
	{
		Booking: demoBooking{
			Organisation: "Breathe Easy Stockport", Site: hunterStreet, Space: "Seminar Room",
			Weekday: time.Monday, MinDays: 3, Start: "14:00", End: "15:00", Count: 12,
			Purpose: "health_wellbeing", Attendees: 16, Notes: "Singing for lung health; we bring a keyboard.",
		},
		Listing: booking.Listing{
			Title:           "Singing for breathing",
			Description:     "A relaxed singing group for people living with a lung condition such as COPD, asthma or long COVID. Singing helps you control your breathing, strengthens the muscles you breathe with and is good fun. You do not need to read music or have a \"good voice\": we start sitting down with gentle breathing exercises, then sing well-known songs and rounds, led by a trained singing-for-lung-health practitioner. Tea and a chat afterwards.",
			Categories:      []string{"physical_activity", "arts_creativity", "peer_support"},
			WhoFor:          "Adults living with a long-term lung condition, and the people who care for them.",
			Join:            "referral",
			Contact:         "Questions: breatheeasy.stockport@example.org or 01632 960214",
			ReferralContact: "Respiratory nurses, GPs and link workers: email breatheeasy.referrals@example.org with the person's name and phone number, and we will call them within a week.",
			Languages:       []string{"English"},
			AccessNotes:     "Hearing loop in the room. Chairs with arms; you can sing sitting down throughout. Bring your inhaler.",
		},
	},
	{
		Booking: demoBooking{
			Organisation: "Stockport Carers Network", Site: hunterStreet, Space: "Seminar Room",
			Weekday: time.Friday, Nth: 2, MinDays: 3, Start: "14:00", End: "16:00", Count: 5,
			Purpose: "social_prescribing", Attendees: 20, Notes: "Memory café, second Friday of the month.",
		},
		Listing: booking.Listing{
			Title:       "Memory café",
			Description: "A warm, unhurried afternoon for people living with dementia or memory problems and the family and friends who support them. There is tea and cake, music, things to remember together and a quiz that nobody takes too seriously. Our carers' support worker and a nurse from the memory assessment service are there to answer questions, and there is a quiet corner for anyone who needs a break. On the second Friday of every month.",
			Categories:  []string{"carers", "older_people", "peer_support"},
			WhoFor:      "People living with dementia or worried about their memory, with a carer, friend or family member.",
			CostNote:    "Tea and cake included.",
			Join:        "drop_in",
			Contact:     "Stockport Carers Network: 01632 960318 or memorycafe@example.org",
			Languages:   []string{"English"},
			AccessNotes: "Hearing loop in the room. A volunteer meets people at reception and takes them up in the lift. Dementia-friendly signs from the main entrance.",
		},
	},
	{
		Booking: demoBooking{
			Organisation: "Edgeley Advice Centre", Site: hunterStreet, Space: "Seminar Room",
			Weekday: time.Wednesday, MinDays: 10, Start: "18:00", End: "20:00",
			Purpose: "community", Attendees: 20, Notes: "Evening talk for carers; 20 places.",
		},
		Listing: booking.Listing{
			Title:       "Power of attorney and wills: a free talk for carers",
			Description: "What a lasting power of attorney is, why it is worth setting one up while you can, and how to do it yourself online without paying a solicitor. One of our advisers will also explain how to make a will, what happens if there is not one, and where to find free or low-cost help. There is time for questions at the end, and you can book a private appointment at our Thursday drop-in afterwards.",
			Categories:  []string{"money_advice", "learning_skills", "carers"},
			WhoFor:      "Unpaid carers, and anyone thinking about planning ahead for themselves or a family member.",
			Join:        "self_refer",
			Contact:     "Book one of the 20 places: 01632 960427 or talks@example.org",
			Languages:   []string{"English"},
			AccessNotes: "Hearing loop in the room. Large-print handouts; tell us when you book if you need another format.",
		},
	},
	{
		Booking: demoBooking{
			Organisation: "Edgeley Advice Centre", Site: hunterStreet, Space: "Ground Floor Interview Room",
			Weekday: time.Thursday, MinDays: 3, Start: "13:00", End: "16:00", Count: 10,
			Purpose: "social_prescribing", Attendees: 2, Notes: "Advice drop-in, one person at a time.",
		},
		Listing: booking.Listing{
			Title:       "Money advice drop-in",
			Description: "Free, confidential advice on benefits, debt, council tax, energy bills and cost-of-living grants from a trained adviser. Come if you are worried about money, have had a letter you do not understand, or want to check you are getting everything you are entitled to. Bring any letters or bills you have. We see people one at a time in a private room, in the order they arrive; if it is busy we will book you a time on another day.",
			Categories:  []string{"money_advice"},
			WhoFor:      "Adults living in Stockport.",
			Join:        "drop_in",
			Contact:     "Advice line: 01632 960427, Monday to Friday 9am to 4pm",
			Languages:   []string{"English", "Polish", "Urdu"},
			AccessNotes: "Ground floor, level from the main entrance. We can book a telephone interpreter for any other language.",
		},
	},
	{
		Booking: demoBooking{
			Organisation: "Stockport Bereavement Circle", Site: hunterStreet, Space: "Counselling Room 3",
			Weekday: time.Wednesday, MinDays: 3, Start: "18:00", End: "19:30", Count: 6, Every: 2,
			Purpose: "health_wellbeing", Attendees: 6, Notes: "Bereavement group, every other Wednesday.",
		},
		Listing: booking.Listing{
			Title:           "Bereavement peer support group",
			Description:     "A small, confidential group for adults who have been bereaved, however long ago and whoever you have lost. Two trained volunteers, who have been bereaved themselves, hold the group. Some people talk and others simply listen; both are fine. Before your first visit a volunteer will ring you for a short chat, so you know what to expect. Every other Wednesday evening.",
			Categories:      []string{"bereavement", "peer_support", "mental_wellbeing"},
			WhoFor:          "Adults aged 18 and over who have been bereaved. In the first few weeks after a death we can suggest other support.",
			Join:            "self_refer",
			Contact:         "Leave a message on 01632 960531 or email circle@example.org and a volunteer will call you back.",
			ReferralContact: "Link workers: with the person's agreement, email circle.referrals@example.org; we contact them within five working days.",
			Languages:       []string{"English"},
			AccessNotes:     "First floor, lift beside reception. Portable hearing loop in the room.",
		},
	},
	{
		Booking: demoBooking{
			Organisation: "Reddish Vale Hospital League of Friends", Site: reddishVale, Space: "Day Unit Hall",
			Weekday: time.Tuesday, MinDays: 5, Start: "10:00", End: "11:00", Count: 12,
			Purpose: "health_wellbeing", Attendees: 25, Notes: "Chair-based exercise class.", ApprovedBy: "estates@example.org",
		},
		Listing: booking.Listing{
			Title:       "Chair-based exercise",
			Description: "A gentle, sociable exercise class to music, done sitting down or holding the back of a chair. It helps strength, balance and stiff joints, and lowers the risk of a fall. The instructor is qualified in exercise for older adults and people with long-term conditions, and shows an easier and a harder way of doing each move. Stay for a cup of tea afterwards.",
			Categories:  []string{"physical_activity", "older_people"},
			WhoFor:      "Older people and anyone who finds standing exercise hard, wheelchair users included. Please tell the instructor about any health conditions.",
			CostPence:   200,
			CostNote:    "Pay what you can; your first session is free.",
			Join:        "drop_in",
			Contact:     "Call Maureen on 01632 960642",
			Languages:   []string{"English"},
			AccessNotes: "Chairs with and without arms; every exercise can be done from a wheelchair. Hearing loop in the hall. Drop-off bay at the day unit entrance.",
		},
	},
	{
		Booking: demoBooking{
			Organisation: "Reddish Community Kitchen CIC", Site: reddishVale, Space: "Day Unit Hall",
			Weekday: time.Friday, MinDays: 5, Start: "12:00", End: "14:00", Count: 12,
			Purpose: "social_prescribing", Attendees: 40, Notes: "Lunch club, served through the hatch.", ApprovedBy: "estates@example.org",
		},
		Listing: booking.Listing{
			Title:       "Community kitchen lunch club",
			Description: "A hot two-course lunch cooked from scratch by our volunteers, much of it with surplus food from local shops, served at shared tables. Come on your own or bring a friend; there is always someone to chat to. There are vegetarian and halal choices every week; tell us about any allergies when you arrive. Volunteers are welcome to help cook from 10am.",
			Categories:  []string{"food_cooking", "peer_support", "older_people"},
			WhoFor:      "Everyone, especially people who live alone or are finding it hard to afford food. Children are welcome with an adult.",
			CostPence:   300,
			CostNote:    "Pay as you feel: £3 is suggested, and nobody is turned away.",
			Join:        "drop_in",
			Contact:     "01632 960753 or lunchclub@example.org",
			Languages:   []string{"English"},
			AccessNotes: "Level access from the day unit entrance; hearing loop in the hall. Large-handled cutlery and plate guards on request.",
		},
	},
	{
		Booking: demoBooking{
			Organisation: "Reddish Little Explorers", Site: reddishVale, Space: "Day Unit Hall",
			Weekday: time.Thursday, MinDays: 5, Start: "10:00", End: "12:00", Count: 12,
			Purpose: "community", Attendees: 30, Notes: "Stay and play; we store our toys in the hall cupboard.", ApprovedBy: "estates@example.org",
		},
		Listing: booking.Listing{
			Title:       "Stay and play for under-fives",
			Description: "Toys, messy play, a baby corner, and songs and rhymes at half past eleven, run by local parents. A good place to meet other families, for children to play together and for grown-ups to have a hot drink. A health visitor drops in once a month for a chat about feeding, sleep or anything else on your mind.",
			Categories:  []string{"families"},
			WhoFor:      "Babies and children up to 5 with a parent, grandparent or carer.",
			CostPence:   100,
			CostNote:    "£1 a family, with a healthy snack; your first visit is free.",
			Join:        "drop_in",
			Contact:     "littleexplorers@example.org",
			Languages:   []string{"English"},
			AccessNotes: "Level access, with room for buggies in the hall. Baby changing in the accessible toilets next to the hall.",
		},
	},
	{
		Booking: demoBooking{
			Organisation: "Offerton Knit and Natter", Site: cherryTree, Space: "Art Room",
			Weekday: time.Tuesday, MinDays: 3, Start: "10:00", End: "12:00", Count: 10,
			Purpose: "social_prescribing", Attendees: 12, Notes: "Knit and natter.",
		},
		Listing: booking.Listing{
			Title:       "Knit and natter",
			Description: "Bring whatever you are working on, or come and learn: we have needles, hooks and wool to borrow and plenty of people happy to teach a beginner. Tea, biscuits and good conversation. Some of us knit hats and blankets for the neonatal unit at Stepping Hill, if you would like to join in.",
			Categories:  []string{"arts_creativity", "mental_wellbeing", "older_people"},
			WhoFor:      "Adults of any age. Beginners very welcome.",
			Join:        "drop_in",
			Contact:     "Call Jan on 01632 960864",
			Languages:   []string{"English"},
			AccessNotes: "Step-free throughout, with adjustable-height tables. Changing Places toilet in the centre.",
		},
	},
	{
		Booking: demoBooking{
			Organisation: "Stockport Young Creatives", Site: cherryTree, Space: "Art Room",
			Weekday: time.Thursday, MinDays: 3, Start: "17:00", End: "19:00", Count: 10,
			Purpose: "social_prescribing", Attendees: 12, Notes: "Open studio for young people; two artists.",
		},
		Listing: booking.Listing{
			Title:       "Open studio: art for young people",
			Description: "Drawing, painting, printmaking, clay and digital art with two working artists, in a relaxed studio where you can try something new or carry on your own project. No experience is needed and all materials are provided. Each term ends with an exhibition for friends and family. It is also a calm, friendly place for young people who feel low or anxious and find groups hard.",
			Categories:  []string{"young_people", "arts_creativity", "mental_wellbeing"},
			WhoFor:      "Young people aged 11 to 18. Young people with additional needs are welcome; tell us what helps.",
			Join:        "self_refer",
			Contact:     "Young people, parents or carers: studio@example.org or 01632 960975, and we will send a short sign-up form.",
			Languages:   []string{"English"},
			AccessNotes: "Adjustable-height tables and a wipe-clean floor. Changing Places toilet in the centre. Ring-and-ride drops off at the main door.",
		},
	},
	{
		Booking: demoBooking{
			Organisation: "Stockport Carers Network", Site: cherryTree, Space: "Art Room",
			Weekday: time.Tuesday, MinDays: 3, Start: "17:00", End: "19:00", Count: 6, Every: 2,
			Purpose: "social_prescribing", Attendees: 10, Notes: "Young carers' club, every other Tuesday.",
		},
		Listing: booking.Listing{
			Title:           "Young carers' club",
			Description:     "A club every other Tuesday where young carers can have a break, have fun and be with others who understand. Art and craft, games, a film now and then, and a hot tea together. Our young carers' worker is there for anyone who wants to talk, and can help with things at school. We can arrange a taxi home for those who need one.",
			Categories:      []string{"young_people", "carers", "arts_creativity"},
			WhoFor:          "Young people aged 8 to 17 who help to look after someone at home.",
			Join:            "referral",
			Contact:         "Young people and parents: youngcarers@example.org",
			ReferralContact: "Schools, social workers and link workers: call the young carers' worker on 01632 960319. Young people can refer themselves too.",
			Languages:       []string{"English"},
			AccessNotes:     "Step-free throughout, with a Changing Places toilet and adjustable-height tables.",
		},
	},
	{
		Booking: demoBooking{
			Organisation: "Stockport Walking for Health", Site: cherryTree, Space: "Outdoor Exercise Area",
			Weekday: time.Monday, MinDays: 3, Start: "11:00", End: "12:00", Count: 12,
			Purpose: "health_wellbeing", Attendees: 20, Notes: "Walk starts and ends on the walking loop.",
		},
		Listing: booking.Listing{
			Title:       "Gentle walking group",
			Description: "A short, friendly walk at an easy pace, led by trained volunteer walk leaders. We start with a few laps of the level walking loop at Cherry Tree, then anyone who would like to go further walks on to Offerton Park and back, about a mile and a half in all. Nobody is left behind, and you can stop after the loop. A good way to get more active after an illness or if you have not exercised for a while.",
			Categories:  []string{"physical_activity", "mental_wellbeing", "older_people"},
			WhoFor:      "Adults of every fitness level, including people who use a walking aid or a wheelchair on the loop.",
			Join:        "drop_in",
			Contact:     "walks@example.org or 01632 960186",
			Languages:   []string{"English"},
			AccessNotes: "The loop is smooth and level; the walk beyond it has some slopes and kerbs. Wear comfortable shoes: we walk in most weathers.",
		},
	},
	{
		Booking: demoBooking{
			Organisation: "Reddish Community Kitchen CIC", Site: cherryTree, Space: "Life Skills Kitchen",
			Weekday: time.Thursday, MinDays: 3, Start: "17:00", End: "19:00", Count: 6,
			Purpose: "health_wellbeing", Attendees: 6, Notes: "Six-week cook-and-eat course.", ApprovedBy: "estates@example.org",
		},
		Listing: booking.Listing{
			Title:       "Cook and eat on a budget",
			Description: "A six-week course in cooking simple, tasty meals for under £1.50 a portion. Each week we cook one dish together, eat it at the table, and send you home with the recipe and the ingredients to cook it again. We also cover shopping on a budget, using up leftovers and getting the most from a slow cooker or a microwave.",
			Categories:  []string{"food_cooking", "learning_skills", "money_advice"},
			WhoFor:      "Adults who want to cook more at home, including people with a learning disability (bring your supporter if you usually have one). Six places.",
			CostPence:   100,
			CostNote:    "£1 a week, with ingredients to take home.",
			Join:        "self_refer",
			Contact:     "Book a place: cook@example.org or 01632 960753",
			Languages:   []string{"English"},
			AccessNotes: "Rise-and-fall worktop and hob, easy-grip utensils and talking scales. Changing Places toilet in the centre.",
		},
	},
	{
		Booking: demoBooking{
			Organisation: "Heaton Moor Age Well", Site: heatonMoor, Space: "Crisis Café Lounge",
			Weekday: time.Monday, MinDays: 3, Start: "10:00", End: "12:00", Count: 12,
			Purpose: "social_prescribing", Attendees: 20, Notes: "Coffee morning; we use the kitchenette.", ApprovedBy: "estates2@example.org",
		},
		Listing: booking.Listing{
			Title:       "Monday coffee morning for older people",
			Description: "Tea, coffee, cake and a good natter on the sofas. There are newspapers, board games and a jigsaw on the go, and now and then a short talk from someone local, such as the library or the fire service on staying safe at home. If getting out is hard, ask about our volunteer drivers and our phone befriending.",
			Categories:  []string{"older_people", "peer_support"},
			WhoFor:      "Older people in Heaton Moor, Heaton Chapel and nearby, and anyone who would like some company.",
			CostNote:    "Drinks are free; cake is 50p.",
			Join:        "drop_in",
			Contact:     "Call Barbara on 01632 960297",
			Languages:   []string{"English"},
			AccessNotes: "Second floor, by a small lift that takes one wheelchair and one companion. Two Blue Badge bays at the front door.",
		},
	},
	{
		Booking: demoBooking{
			Organisation: tameValley, Site: heatonMoor, Space: "Crisis Café Lounge", By: "orgadmin@example.org",
			Weekday: time.Friday, MinDays: 3, Start: "18:00", End: "21:00", Count: 12,
			Purpose: "health_wellbeing", Attendees: 15, Notes: "Friday crisis café: two staff and three volunteers.", ApprovedBy: "estates2@example.org",
		},
		Listing: booking.Listing{
			Title:       "Friday evening crisis café",
			Description: "A calm, welcoming place to come on a Friday evening if you are struggling with your mental health and need someone to talk to. Trained staff and volunteers with lived experience will listen, help you make a plan to stay safe tonight and point you to other support. There is tea, toast and a quiet corner. You do not need an appointment or a referral. If you are in danger now, call 999; for urgent mental health help at any time, call NHS 111 and choose option 2.",
			Categories:  []string{"mental_wellbeing", "peer_support"},
			WhoFor:      "Adults aged 18 and over in Stockport and Tameside.",
			Join:        "drop_in",
			Contact:     "Tame Valley Talking Space: 01632 960308 (Fridays from 5pm)",
			Languages:   []string{"English", "Urdu"},
			AccessNotes: "Second floor, by lift. A quiet corner with a screen. You are welcome to come with a friend or a support worker.",
		},
	},
	{
		Booking: demoBooking{
			Organisation: "Stockport Welcome Network", Site: heatonMoor, Space: "Group Room",
			Weekday: time.Saturday, MinDays: 3, Start: "10:30", End: "12:30", Count: 12,
			Purpose: "community", Attendees: 14, Notes: "Conversation café; children's toys in the corner.",
		},
		Listing: booking.Listing{
			Title:       "Conversation café for new arrivals",
			Description: "Practise your English over tea and biscuits with friendly volunteers, at any level, from your first words to getting ready for a job interview. We talk in small groups about everyday things: shopping, the doctor, school, the bus. Volunteers who speak Arabic, Ukrainian and Farsi can help explain, and we can help you find English classes, register with a GP or get advice. Children are welcome, and there are toys in the corner.",
			Categories:  []string{"learning_skills", "peer_support", "families"},
			WhoFor:      "Refugees, asylum seekers and anyone new to the UK who would like to practise English. Families welcome.",
			Join:        "drop_in",
			Contact:     "welcome@example.org, or text 01632 960419",
			Languages:   []string{"English", "Arabic", "Ukrainian", "Farsi"},
			AccessNotes: "Second floor, by a small lift. Buses 22, 23 and 42 stop outside on Heaton Moor Road.",
		},
	},
	{
		Booking: demoBooking{
			Organisation: "Menopause Café Stockport", Site: heatonMoor, Space: "Group Room",
			Weekday: time.Thursday, MinDays: 3, Start: "19:00", End: "20:30", Count: 6, Every: 2,
			Purpose: "health_wellbeing", Attendees: 12, Notes: "Menopause peer support, every other Thursday.",
		},
		Listing: booking.Listing{
			Title:       "Menopause peer support",
			Description: "An evening to talk openly about the perimenopause and menopause with others who understand: symptoms, sleep, work, relationships, HRT and what has helped. It is not a medical clinic, but a GP with an interest in the menopause joins us a few times a year, and we share reliable information and local services. Come for the whole evening or just half an hour. Every other Thursday.",
			Categories:  []string{"peer_support", "mental_wellbeing"},
			WhoFor:      "Women and anyone affected by the menopause, at any stage.",
			Join:        "drop_in",
			Contact:     "menopausecafe@example.org",
			Languages:   []string{"English"},
			AccessNotes: "Second floor, by a small lift. Sofas and upright chairs; cold water and a fan in the room.",
		},
	},
	{
		Booking: demoBooking{
			Organisation: tameValley, Site: strinesRoad, Space: "Therapy Garden", By: "orgadmin@example.org",
			Weekday: time.Wednesday, MinDays: 3, Start: "10:00", End: "12:00", Count: 12,
			Purpose: "social_prescribing", Attendees: 12, Notes: "Gardening group with a horticultural therapist.",
		},
		Listing: booking.Listing{
			Title:           "Gardening for wellbeing",
			Description:     "Small-group gardening in the walled therapy garden, for people whose mental health is getting in the way of everyday life. Sowing, planting, weeding, looking after the herb beds and the pond, and picking what we grow, at whatever pace suits you. A horticultural therapist and a peer support worker lead each session, and we finish with a cuppa on the benches. Time outdoors, gentle exercise and the company of others help many people feel calmer and more hopeful.",
			Categories:      []string{"nature_gardening", "mental_wellbeing", "physical_activity"},
			WhoFor:          "Adults aged 18 and over with anxiety, depression or another mental health problem. No gardening experience needed.",
			Join:            "referral",
			Contact:         "Questions about the group: growing@example.org",
			ReferralContact: "Link workers, GPs and mental health teams: ask referrals.tamevalley@example.org for the referral form, or call 01632 960308, Monday to Friday 9am to 4pm.",
			Languages:       []string{"English"},
			AccessNotes:     "Bound-gravel main paths suit wheelchairs, and there are raised beds at two heights. Gloves, tools and waterproofs provided. Accessible toilet in the clinic.",
		},
	},
	{
		Booking: demoBooking{
			Organisation: "Marple Tai Chi Club", Site: strinesRoad, Space: "Therapy Garden",
			Weekday: time.Sunday, MinDays: 3, Start: "09:00", End: "10:00", Count: 12,
			Purpose: "health_wellbeing", Attendees: 20, Notes: "Tai chi on the lawn.",
		},
		Listing: booking.Listing{
			Title:       "Tai chi in the garden",
			Description: "Slow, flowing tai chi and qigong movements on the lawn of the therapy garden, led by an experienced instructor. Tai chi helps balance, posture and breathing, and calms the mind. Beginners are welcome every week: the movements are taught step by step, and all of them can be done sitting on a garden bench.",
			Categories:  []string{"physical_activity", "mental_wellbeing"},
			WhoFor:      "Adults of any age and fitness, including people who need to sit.",
			CostPence:   300,
			CostNote:    "Pay what you can; nobody is turned away.",
			Join:        "drop_in",
			Contact:     "Call Wei on 01632 960521",
			Languages:   []string{"English", "Cantonese"},
			AccessNotes: "Outdoors, on level grass and bound gravel. In heavy rain we do not meet, and we text everyone on our list by 8am.",
		},
	},
	{
		Booking: demoBooking{
			Organisation: "Strines Road Garden Volunteers", Site: strinesRoad, Space: "Greenhouse",
			Weekday: time.Saturday, MinDays: 3, Start: "10:00", End: "13:00", Count: 12,
			Purpose: "community", Attendees: 8, Notes: "Volunteer morning on the shared plots.",
		},
		Listing: booking.Listing{
			Title:       "Allotment volunteering",
			Description: "Help grow fruit and vegetables on the shared allotment plots and in the greenhouse: digging, sowing, planting out, watering and picking, depending on the season. Some of what we grow goes to the community kitchen lunch club in Reddish. We meet in the greenhouse at 10 whatever the weather and share out the jobs, so there is something for everyone. A good way to learn about growing food, get some fresh air and meet people.",
			Categories:  []string{"nature_gardening", "physical_activity", "learning_skills"},
			WhoFor:      "Anyone aged 16 or over, and younger people with an adult. No experience needed.",
			Join:        "drop_in",
			Contact:     "volunteers.strinesroad@example.org or 01632 960580",
			Languages:   []string{"English"},
			AccessNotes: "The greenhouse has a level threshold and benches at two heights; the plots have grass paths that are uneven after rain. Tools and gloves provided; wear old clothes.",
		},
	},
	{
		Booking: demoBooking{
			Organisation: "Strines Road Garden Volunteers", Site: strinesRoad, Space: "Garden Room",
			Weekday: time.Sunday, MinDays: 14, Start: "11:00", End: "15:00",
			Purpose: "community", Attendees: 12, Notes: "Seed swap; tables in the Garden Room.",
		},
		Listing: booking.Listing{
			Title:       "Seed swap and planting day",
			Description: "Bring seeds you have saved or have spare, and take home some you would like to try; if you have none to bring, take some anyway. Volunteers will show you how to sow seeds in trays and pots, and children can plant a sunflower or a pot of herbs to take home. Tea and homemade cake in the Garden Room, with the doors open onto the garden.",
			Categories:  []string{"nature_gardening", "families"},
			WhoFor:      "Everyone: families, new growers and old hands.",
			Join:        "drop_in",
			Contact:     "volunteers.strinesroad@example.org or 01632 960580",
			Languages:   []string{"English"},
			AccessNotes: "The Garden Room is on the ground floor, with level doors to the garden.",
		},
	},
	{
		Booking: demoBooking{
			Organisation: "Marple Men's Shed", Site: strinesRoad, Space: "Garden Workshop",
			Weekday: time.Tuesday, MinDays: 3, Start: "13:00", End: "16:00", Count: 12,
			Purpose: "social_prescribing", Attendees: 10, Notes: "Men's shed afternoon.",
		},
		Listing: booking.Listing{
			Title:       "Men's shed",
			Description: "A workshop where men, and anyone else who likes making and mending, work side by side on their own projects or on jobs for the community: bird boxes, planters and benches for the garden, and repairs to tools and toys. Experienced members show newcomers how to use the tools safely. Plenty of people come mostly for the tea and the company, and that is fine too.",
			Categories:  []string{"peer_support", "mental_wellbeing", "learning_skills", "older_people"},
			WhoFor:      "Adults, especially older men and anyone retired, out of work or living alone. No skills needed.",
			CostPence:   200,
			CostNote:    "£2 towards tea and timber; your first visit is free.",
			Join:        "self_refer",
			Contact:     "Call Keith on 01632 960632 before your first visit, so someone can show you round.",
			Languages:   []string{"English"},
			AccessNotes: "A ramp to the workshop door and stools at the benches. Accessible toilet in the clinic, 30 metres away.",
		},
	},
	{
		Booking: demoBooking{
			Organisation: "Stockport Baby Bank", Site: strinesRoad, Space: "Garden Room",
			Weekday: time.Thursday, MinDays: 3, Start: "10:00", End: "12:00", Count: 12,
			Purpose: "community", Attendees: 6, Notes: "Baby bank collections by appointment.",
		},
		Listing: booking.Listing{
			Title:           "Baby bank",
			Description:     "Free clothes, nappies, toiletries, cots, prams, car seats and other essentials for babies and children up to 5, clean and safety-checked. Families collect what they need from our volunteers at a booked time, in private, and nobody asks why. We also take donations of good-quality items at the end of each session.",
			Categories:      []string{"families", "money_advice"},
			WhoFor:          "Families with children under 5 who are struggling to afford what they need, referred by a professional.",
			Join:            "referral",
			Contact:         "Donations and general questions: babybank@example.org",
			ReferralContact: "Health visitors, midwives, social workers and link workers: ask babybank.referrals@example.org for the form or call 01632 960743; we book the family a time within two weeks.",
			Languages:       []string{"English"},
			AccessNotes:     "Ground floor with level access from the car park; we can carry larger items to your car. Two Blue Badge bays by the gate.",
		},
	},
	{
		Booking: demoBooking{
			Organisation: "Stockport Carers Network", Site: stationRoad, Space: "Practice Meeting Room",
			Weekday: time.Saturday, MinDays: 3, Start: "10:00", End: "12:00", Count: 6, Every: 2,
			Purpose: "social_prescribing", Attendees: 10, Notes: "Carers' café, every other Saturday.",
		},
		Listing: booking.Listing{
			Title:       "Carers' café",
			Description: "Time for you, with other people who understand what caring is like. Whether you look after a partner, a parent, a child or a friend, drop in for a cuppa and a chat. Our carers' support worker can help with a carer's assessment, a carer's card or benefits, and tell you about breaks and activities for carers. If you cannot leave the person you care for, bring them along. Every other Saturday morning.",
			Categories:  []string{"carers", "peer_support"},
			WhoFor:      "Unpaid carers of any age, and former carers.",
			Join:        "drop_in",
			Contact:     "01632 960318 or carers@example.org",
			Languages:   []string{"English", "Urdu"},
			AccessNotes: "Ground floor at the back of the waiting room; hearing loop at the table. No car park, but free parking on the street. Cheadle Hulme station is 2 minutes' walk.",
		},
	},
}

// loadSessions books each demo session and publishes it with the booking
// made for it. A session whose booking is already there is left as it is,
// so one its group has since unpublished stays unpublished; one the
// booking service refused, or whose dates are not confirmed, is left out.
func (l *loader) loadSessions() error {
	service := l.bookingService()
	store := l.store()
	for _, d := range demoSessions {
		if err := d.Listing.Check(); err != nil {
			return fmt.Errorf("demo session %s: %w", d.Listing.Title, err)
		}
		made, err := l.loadBooking(service, d.Booking, d.Booking.firstDate(l.now))
		if err != nil {
			return fmt.Errorf("demo session %s: %w", d.Listing.Title, err)
		}
		var listing models.Listing
		switch {
		case made.SeriesID != 0:
			listing.SeriesID = &made.SeriesID
		case made.BookingID != 0:
			listing.BookingID = &made.BookingID
		default:
			continue
		}
		if by, ok := l.users[d.Booking.By]; ok {
			listing.CreatedByID = &by.ID
		}
		listing.Publish(d.Listing)
		err = store.PublishListing(context.Background(), &listing, l.now)
		if err != nil && !errors.Is(err, booking.ErrConflict) {
			return fmt.Errorf("demo session %s: %w", d.Listing.Title, err)
		}
	}
	return nil
}
